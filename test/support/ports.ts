import { createServer } from 'node:net';

/**
 * A TCP port that is free on `host` right now: the OS picks it (listen on port 0), we release it and return it.
 * Another process may grab it before the caller binds it (a small race); callers that start servers should retry
 * on EADDRINUSE where that matters.
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (!address || typeof address === 'string') {
        server.close(() => reject(new Error('freePort: could not read the bound address')));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}
