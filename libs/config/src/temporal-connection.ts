import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/common/lib/internal-non-workflow';
import type { TemporalSettings } from './config';
import { ConfigError } from './config';

function readPem(file: string | undefined, variable: string): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new ConfigError(`Invalid environment: ${variable} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}: ${file})`);
  }
}

/**
 * Connection options for the Temporal frontend from the validated settings: plain TCP locally, TLS (optionally
 * mutual, with a private CA) or an API key for a cluster or Temporal Cloud. Shared by the API client and the worker.
 */
export function temporalConnectionOptions(settings: TemporalSettings): { address: string; tls?: TLSConfig; apiKey?: string } {
  if (!settings.address) throw new ConfigError('Invalid environment: TEMPORAL_ADDRESS is required for this process');
  const tls = settings.tls
    ? {
        serverNameOverride: settings.tls.serverName,
        serverRootCACertificate: readPem(settings.tls.caPath, 'TEMPORAL_TLS_CA_PATH'),
        clientCertPair:
          settings.tls.certPath && settings.tls.keyPath
            ? { crt: readPem(settings.tls.certPath, 'TEMPORAL_TLS_CERT_PATH')!, key: readPem(settings.tls.keyPath, 'TEMPORAL_TLS_KEY_PATH')! }
            : undefined,
      }
    : undefined;
  return { address: settings.address, tls, apiKey: settings.apiKey };
}
