import { spawn } from 'node:child_process';
import { requireTool } from './tools.js';

export interface CurlAnswer {
  status: number;
  /** Lower-case names. */
  headers: Record<string, string>;
  body: Buffer;
  /** The body as JSON (throws if it is not). */
  json<T = Record<string, unknown>>(): T;
}

/**
 * Runs the real curl (`-s -i`, and no `Expect: 100-continue` so there is one header block) with
 * `args`, asynchronously (an in-process broker keeps serving meanwhile), and parses its answer.
 */
export function curl(args: string[], input?: Buffer | string): Promise<CurlAnswer> {
  const bin = requireTool('/usr/bin/curl', 'curl');
  return new Promise((resolve, reject) => {
    const child = spawn(bin, ['-s', '-i', '-H', 'Expect:', ...args], {
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const out = Buffer.concat(chunks);
      const split = out.indexOf('\r\n\r\n');
      if (code !== 0 || split < 0) {
        reject(new Error(`curl ${args.join(' ')} failed (exit ${code}): ${stderr}${out.toString()}`));
        return;
      }
      const [statusLine, ...lines] = out.subarray(0, split).toString('latin1').split('\r\n');
      const headers: Record<string, string> = {};
      for (const l of lines) {
        const colon = l.indexOf(':');
        if (colon > 0) headers[l.slice(0, colon).toLowerCase()] = l.slice(colon + 1).trim();
      }
      const body = out.subarray(split + 4);
      resolve({
        status: Number(statusLine!.split(' ')[1]),
        headers,
        body,
        json: <T>() => JSON.parse(body.toString('utf8')) as T,
      });
    });
    // curl may stop reading a body the server refused (413): that is an answer, not an error.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}
