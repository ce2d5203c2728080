/**
 * The one deterministic story every lab twin tells, so playbooks that cross tools line up:
 * a phishing email (one malicious and one clean URL, a known-bad attachment), a suspicious login
 * from an abusive IP, a host with a malware detection, and a critical KEV-listed CVE on an
 * internet-exposed asset. Addresses come from documentation ranges except the abusive IP.
 */
export const scenario = {
  org: { domain: 'corp.example', tenantId: '6f1c2e1a-8d8b-4f0e-9a7e-2b5c0d9e1f11' },

  users: {
    alice: { id: '00u1a2b3c4d5e6f7g8h9', login: 'alice@corp.example', firstName: 'Alice', lastName: 'Nguyen', department: 'Finance', mailboxId: 'a1b2c3d4-0000-4000-8000-00000000a11c' },
    bob: { id: '00u9z8y7x6w5v4u3t2s1', login: 'bob@corp.example', firstName: 'Bob', lastName: 'Ortiz', department: 'Finance', mailboxId: 'b0b0b0b0-0000-4000-8000-000000000b0b' },
    carol: { id: '00u5k5k5k5k5k5k5k5k5', login: 'carol@corp.example', firstName: 'Carol', lastName: 'Smith', department: 'IT', mailboxId: 'c4c4c4c4-0000-4000-8000-00000000ca01' },
  },

  login: {
    /** A Tor exit node listed as abusive on AbuseIPDB, malicious on VirusTotal. */
    maliciousIp: '185.220.101.45',
    /** A clean address (documentation range) for the benign path. */
    benignIp: '203.0.113.10',
    user: 'alice@corp.example',
    time: '2026-11-27T08:14:03Z',
    country: 'RO',
  },

  host: {
    hostname: 'WS-ALICE-01',
    deviceId: '4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a',
    localIp: '10.20.30.41',
    os: 'Windows 11',
    user: 'alice',
    detection: {
      id: 'ldt:4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a:81604651',
      severity: 'Critical',
      tactic: 'Execution',
      technique: 'User Execution: Malicious File',
      fileName: 'invoice.pdf.exe',
    },
  },

  phishing: {
    messageId: 'AAMkAGI2TG93AAA=',
    internetMessageId: '<CAF=phish-2026-11-27@paypa1-secure.com>',
    sender: 'billing@paypa1-secure.com',
    subject: 'Action required: your invoice is overdue',
    receivedAt: '2026-11-27T07:55:12Z',
    recipients: ['alice@corp.example', 'bob@corp.example'],
    maliciousUrl: 'http://paypa1-secure.com/login/verify',
    cleanUrl: 'https://www.wikipedia.org/',
    attachment: {
      name: 'invoice.pdf.exe',
      contentType: 'application/x-msdownload',
      /** The attachment's bytes are the EICAR test string (68 bytes); the hashes below are its hashes. */
      size: 68,
      sha256: '275a021bbfb6489e54d471899f7db9d1663fc695ec2fe2a2c4538aabf651fd0f',
      md5: '44d88612fea8a8f36de82e1278abb02f',
      sha1: '3395856ce81f2b7382dee72602f798b642f14140',
    },
  },

  vulnerability: {
    cve: 'CVE-2024-3400',
    cvss: 10.0,
    severity: 'CRITICAL',
    description: 'A command injection as a result of arbitrary file creation vulnerability in the GlobalProtect feature of Palo Alto Networks PAN-OS software.',
    patchUrl: 'https://security.paloaltonetworks.com/CVE-2024-3400',
    asset: { hostname: 'vpn-gw-01', ip: '198.51.100.20', uuid: '0c5b8f7e-2a1d-4e3f-9b8a-7c6d5e4f3a21', openPorts: [443, 4443] },
    pluginId: 192877,
    /** A second finding, not in KEV and not exposed, for the low-priority path. */
    minor: { cve: 'CVE-2023-44487', cvss: 7.5, asset: { hostname: 'build-07', ip: '10.20.40.7' } },
  },

  firewall: { blockGroup: 'switchboard-blocklist', dynamicTag: 'switchboard-block' },
} as const;

/** Every URL the twins consider malicious. */
export const knownBadUrls: ReadonlySet<string> = new Set([scenario.phishing.maliciousUrl]);
