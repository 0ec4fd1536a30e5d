import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { AppConfig, temporalConnectionOptions } from '@kawal/config';

/**
 * The API's Temporal client. The connection is lazy, so the API boots (and reports Temporal as down on /health)
 * even while the cluster is unreachable.
 */
@Injectable()
export class TemporalClientService implements OnModuleDestroy {
  readonly connection: Connection;
  readonly client: Client;
  readonly taskQueue: string;
  /**
   * A second connection for health probes, without the client's gRPC retry interceptor: that interceptor keeps
   * retrying an unreachable server on timers that ignore cancellation and would fire after shutdown.
   */
  private readonly probeConnection: Connection;

  constructor(config: AppConfig) {
    const options = temporalConnectionOptions(config.temporal);
    this.connection = Connection.lazy(options);
    this.probeConnection = Connection.lazy({ ...options, interceptors: [] });
    this.client = new Client({ connection: this.connection, namespace: config.temporal.namespace });
    this.taskQueue = config.temporal.taskQueue;
  }

  /** Round-trips to the frontend service once, within the timeout. */
  async ping(timeoutMs = 3_000): Promise<void> {
    const c = this.probeConnection;
    await c.withDeadline(Date.now() + timeoutMs, () => c.workflowService.getSystemInfo({}));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([this.connection.close(), this.probeConnection.close()]);
  }
}
