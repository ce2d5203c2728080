import * as z from 'zod';

/** What Host info outputs (index.ts `summarizeHost`, `unknownHost`), for validation of `nodes.<id>.output.…` references. */
export const hostInfoOutput = z.object({
  ip_str: z.unknown(),
  found: z.boolean().describe('Shodan has a record of the IP.'),
  exposed: z.boolean().describe('At least one open port.'),
  ports: z.array(z.number()),
  hostnames: z.unknown(),
  domains: z.unknown().optional(),
  org: z.unknown().optional(),
  isp: z.unknown().optional(),
  asn: z.unknown().optional(),
  os: z.unknown().optional(),
  country_code: z.unknown().optional(),
  city: z.unknown().optional(),
  tags: z.unknown().optional(),
  vulns: z.unknown().describe('CVE ids Shodan associates with the services.'),
  last_update: z.unknown().optional(),
  data: z.array(
    z.object({
      port: z.number().optional(),
      transport: z.string().optional(),
      product: z.string().optional(),
      version: z.string().optional(),
      cpe23: z.array(z.string()).optional(),
      timestamp: z.string().optional(),
      _shodan: z.object({ module: z.string().optional() }),
    }),
  ),
});
