import { Agent } from 'node:http';
import axios from 'axios';
import type { AxiosInstance } from 'axios';
import { withEngine } from './engine.ts';
import type { BenchEngine } from './engine.ts';
import { startLoopbackServer } from './loopback-server.ts';
import type { LoopbackServer } from './loopback-server.ts';

/**
 * The baseline HTTP client: plain axios over a keep-alive agent, i.e. what a hand-written script
 * calling the same vendor API would do at its best.
 */
export function baselineClient(): { client: AxiosInstance; close(): void } {
  const agent = new Agent({ keepAlive: true });
  return { client: axios.create({ httpAgent: agent }), close: () => agent.destroy() };
}

/** Runs `task(0 … count-1)` with at most `limit` in flight, as a bounded `Promise.all`. */
export async function allLimited<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, worker));
  return results;
}

/** What an HTTP benchmark measures with: the loopback server, our engine and the baseline client. */
export interface HttpBench {
  server: LoopbackServer;
  engine: BenchEngine;
  client: AxiosInstance;
}

/** Runs `use` with a loopback server, a bench engine and a baseline client, then closes client, engine and server in that order. */
export async function withHttpBench<T>(use: (bench: HttpBench) => Promise<T>): Promise<T> {
  const server = await startLoopbackServer();
  try {
    return await withEngine(async (engine) => {
      const { client, close } = baselineClient();
      try {
        return await use({ server, engine, client });
      } finally {
        close();
      }
    });
  } finally {
    await server.close();
  }
}
