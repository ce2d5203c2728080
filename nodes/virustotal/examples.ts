import { summarise } from './summary.ts';
import type { ReportSummary } from './summary.ts';

/**
 * Trimmed VirusTotal v3 object responses in the documented shape (docs.virustotal.com: IP address,
 * domain, URL and file objects), shaped by the same `summarise` the actions use, so each action's
 * example is exactly what its parse step would produce.
 */
const ENGINES = {
  BitDefender: { category: 'malicious', engine_name: 'BitDefender', method: 'blacklist', result: 'malware' },
  Fortinet: { category: 'malicious', engine_name: 'Fortinet', method: 'blacklist', result: 'malware' },
  'Google Safebrowsing': { category: 'harmless', engine_name: 'Google Safebrowsing', method: 'blacklist', result: 'clean' },
  Kaspersky: { category: 'malicious', engine_name: 'Kaspersky', method: 'blacklist', result: 'phishing' },
  Sophos: { category: 'suspicious', engine_name: 'Sophos', method: 'blacklist', result: 'suspicious' },
};

const IP_RESPONSE = {
  data: {
    id: '185.220.101.45',
    type: 'ip_address',
    links: { self: 'https://www.virustotal.com/api/v3/ip_addresses/185.220.101.45' },
    attributes: {
      as_owner: 'Relay Hosting SRL',
      asn: 64500,
      continent: 'EU',
      country: 'RO',
      network: '185.220.101.0/24',
      regional_internet_registry: 'RIPE NCC',
      last_analysis_date: 1795763643,
      last_analysis_stats: { harmless: 1, malicious: 3, suspicious: 1, undetected: 0, timeout: 0 },
      last_analysis_results: ENGINES,
      reputation: -42,
      tags: ['tor'],
    },
  },
};

const DOMAIN_RESPONSE = {
  data: {
    id: 'paypa1-secure.com',
    type: 'domain',
    links: { self: 'https://www.virustotal.com/api/v3/domains/paypa1-secure.com' },
    attributes: {
      categories: { Forcepoint: 'phishing and other frauds', Sophos: 'phishing' },
      creation_date: 1795305600,
      last_dns_records: [{ type: 'A', value: '185.220.101.45', ttl: 300 }],
      registrar: 'NameCheap, Inc.',
      last_analysis_date: 1795763643,
      last_analysis_stats: { harmless: 1, malicious: 3, suspicious: 1, undetected: 0, timeout: 0 },
      last_analysis_results: ENGINES,
      reputation: -31,
    },
  },
};

const URL_RESPONSE = {
  data: {
    id: 'a4c1a7f2b1f0e1f0d4d3e0b8c5e5d6a1b2c3d4e5f60718293a4b5c6d7e8f9012',
    type: 'url',
    links: { self: 'https://www.virustotal.com/api/v3/urls/a4c1a7f2b1f0e1f0d4d3e0b8c5e5d6a1b2c3d4e5f60718293a4b5c6d7e8f9012' },
    attributes: {
      url: 'http://paypa1-secure.com/login/verify',
      last_final_url: 'http://paypa1-secure.com/login/verify',
      title: 'PayPal: Log in to your account',
      categories: { Forcepoint: 'phishing and other frauds' },
      first_submission_date: 1795762200,
      last_analysis_date: 1795763643,
      last_http_response_code: 200,
      last_analysis_stats: { harmless: 1, malicious: 3, suspicious: 1, undetected: 0, timeout: 0 },
      last_analysis_results: ENGINES,
      reputation: -12,
    },
  },
};

const FILE_RESPONSE = {
  data: {
    id: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
    type: 'file',
    links: { self: 'https://www.virustotal.com/api/v3/files/275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f' },
    attributes: {
      md5: '44d88612fea8a8f36de82e1278abb02f',
      sha1: '3395856ce81f2b7382dee72602f798b642f14140',
      sha256: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
      size: 48213,
      type_description: 'Win32 EXE',
      meaningful_name: 'invoice.pdf.exe',
      names: ['invoice.pdf.exe'],
      first_submission_date: 1795762200,
      last_analysis_date: 1795763643,
      last_analysis_stats: { harmless: 0, malicious: 3, suspicious: 1, undetected: 1, timeout: 0 },
      last_analysis_results: ENGINES,
      reputation: -87,
    },
  },
};

export const IP_EXAMPLE: ReportSummary = summarise(IP_RESPONSE, 3);
export const DOMAIN_EXAMPLE: ReportSummary = summarise(DOMAIN_RESPONSE, 3);
export const URL_EXAMPLE: ReportSummary = summarise(URL_RESPONSE, 3);
export const FILE_EXAMPLE: ReportSummary = summarise(FILE_RESPONSE, 3);

/** `POST /urls` answers with an analysis descriptor; the action adds the URL and its identifier. */
export const SUBMIT_EXAMPLE = {
  id: 'u-a4c1a7f2b1f0e1f0d4d3e0b8c5e5d6a1b2c3d4e5f60718293a4b5c6d7e8f9012-1795763643',
  type: 'analysis',
  links: { self: 'https://www.virustotal.com/api/v3/analyses/u-a4c1a7f2b1f0e1f0d4d3e0b8c5e5d6a1b2c3d4e5f60718293a4b5c6d7e8f9012-1795763643' },
  url: 'http://paypa1-secure.com/login/verify',
  url_id: 'aHR0cDovL3BheXBhMS1zZWN1cmUuY29tL2xvZ2luL3ZlcmlmeQ',
};
