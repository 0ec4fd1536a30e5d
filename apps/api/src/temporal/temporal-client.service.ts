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

  constructor(config: AppConfig) {
    this.connection = Connection.lazy(temporalConnectionOptions(config.temporal));
    this.client = new Client({ connection: this.connection, namespace: config.temporal.namespace });
    this.taskQueue = config.temporal.taskQueue;
  }

  /** Round-trips to the frontend service within the timeout. */
  async ping(timeoutMs = 3_000): Promise<void> {
    await this.connection.withDeadline(Date.now() + timeoutMs, () => this.connection.workflowService.getSystemInfo({}));
  }

  async onModuleDestroy(): Promise<void> {
    await this.connection.close();
  }
}
