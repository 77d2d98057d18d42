/**
 * A GET over node:http that keeps the bytes as sent: fetch would decompress them and hide how many crossed
 * the wire.
 */
import { request } from 'node:http';

export interface RawResponse {
  status: number;
  headers: Record<string, string | undefined>;
  /** The body exactly as received (still content-encoded). */
  body: Buffer;
}

export function rawRequest(url: string, headers: Record<string, string>, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    request(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: Object.fromEntries(
            Object.entries(response.headers).map(([name, value]) => [
              name,
              Array.isArray(value) ? value.join(', ') : value,
            ]),
          ),
          body: Buffer.concat(chunks),
        }),
      );
    })
      .on('error', reject)
      .end();
  });
}
