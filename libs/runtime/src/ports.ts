import * as net from 'node:net';

/** Thrown by {@link assertPortFree}; the message is one line naming the port, its user and the setting to change. */
export class PortInUseError extends Error {
  constructor(
    message: string,
    readonly port: number,
    readonly host: string,
    readonly label: string,
  ) {
    super(message);
    this.name = 'PortInUseError';
  }
}

/** Tries to bind host:port exclusively; resolves undefined when free, else the error code (EADDRINUSE, EACCES...). */
export function probePort(port: number, host = '127.0.0.1'): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    server.listen({ port, host, exclusive: true }, () => {
      server.close(() => resolve(undefined));
    });
  });
}

/** True when nothing listens on host:port (and we may bind it). */
export async function isPortFree(port: number, host = '127.0.0.1'): Promise<boolean> {
  return (await probePort(port, host)) === undefined;
}

/**
 * Fails with a one-line message when host:port cannot be bound, e.g.
 * "Port 7233 (Temporal dev server) is already in use; stop the other process or set TEMPORAL_PORT".
 *
 * @param label  what wanted the port, e.g. "Temporal dev server"
 * @param envVar the variable that moves it; defaults to a generic hint
 */
export async function assertPortFree(port: number, host: string, label: string, envVar?: string): Promise<void> {
  const code = await probePort(port, host);
  if (code === undefined) return;
  const fix = envVar ? `set ${envVar}` : 'choose another port';
  if (code === 'EADDRINUSE') {
    throw new PortInUseError(`Port ${port} (${label}) is already in use; stop the other process or ${fix}`, port, host, label);
  }
  if (code === 'EACCES') {
    throw new PortInUseError(`Port ${port} (${label}) needs privileges this user does not have; ${fix} to a port above 1023`, port, host, label);
  }
  if (code === 'EADDRNOTAVAIL') {
    throw new PortInUseError(`Cannot bind ${host}:${port} (${label}): address ${host} is not available on this machine`, port, host, label);
  }
  throw new PortInUseError(`Cannot bind ${host}:${port} (${label}): ${code}`, port, host, label);
}

/** Resolves once a TCP connection to host:port succeeds. */
export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
