import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createActivities, createOutboxDispatcher } from '@kawal/activities';
import { AppConfig, temporalConnectionOptions } from '@kawal/config';
import { PrismaService } from '@kawal/database';
import { Mailer, parseWorkingHours } from '@kawal/mail';
import { workflowCodeOptions } from './workflow-bundle';

/**
 * The Temporal worker inside Nest's lifecycle: created on init, run on bootstrap, shut down and awaited on destroy
 * (so in-flight activities finish and nothing is half-written when the process stops).
 */
@Injectable()
export class TemporalWorkerService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(TemporalWorkerService.name);
  private worker?: Worker;
  private running?: Promise<void>;
  private nativeConnection?: NativeConnection;
  private clientConnection?: Connection;
  private mailer?: Mailer;
  private dispatchTimer?: NodeJS.Timeout;
  private dispatching?: Promise<unknown>;
  private dispatcher?: ReturnType<typeof createOutboxDispatcher>;

  constructor(
    private readonly config: AppConfig,
    private readonly prisma: PrismaService,
  ) {}

  async onModuleInit(): Promise<void> {
    const options = temporalConnectionOptions(this.config.temporal);
    this.nativeConnection = await NativeConnection.connect(options);
    this.clientConnection = await Connection.connect(options);
    const client = new Client({ connection: this.clientConnection, namespace: this.config.temporal.namespace });
    this.mailer = new Mailer(this.config.smtp);
    const delivery = {
      workingHours: parseWorkingHours(this.config.delivery.workingHours),
      digestThreshold: this.config.delivery.digestThreshold,
      digestHorizonDays: this.config.delivery.digestHorizonDays,
      digestTime: this.config.delivery.digestTime,
      digestCollectMs: 2 * 60_000,
    };
    const activities = createActivities({
      prisma: this.prisma,
      mailer: this.mailer,
      client,
      taskQueue: this.config.temporal.taskQueue,
      publicBaseUrl: this.config.api.publicBaseUrl,
      mailDeadAfterMs: this.config.smtp.deadAfterMinutes * 60_000,
      mailLinkTtlHours: this.config.smtp.linkTtlHours,
      delivery,
      mailSendLeaseMs: this.config.delivery.sendLeaseMs,
    });
    this.dispatcher = createOutboxDispatcher(this.prisma, this.mailer, (request) => activities.sendNotification(request), {
      publicBaseUrl: this.config.api.publicBaseUrl,
      mailDomain: new URL(this.config.api.publicBaseUrl).hostname || 'kawal.local',
      digestHorizonDays: this.config.delivery.digestHorizonDays,
      onError: (recipient, err) => this.logger.warn(`digest for ${recipient} not sent yet: ${(err as Error).message}`),
    });
    this.worker = await Worker.create({
      connection: this.nativeConnection,
      namespace: this.config.temporal.namespace,
      taskQueue: this.config.temporal.taskQueue,
      ...workflowCodeOptions(),
      maxCachedWorkflows: this.config.temporal.maxCachedWorkflows,
      activities,
      shutdownGraceTime: '20 seconds',
    });
    this.logger.log(`worker ready on task queue "${this.config.temporal.taskQueue}" at ${options.address}`);
  }

  onApplicationBootstrap(): void {
    const worker = this.worker;
    if (!worker) return;
    // Emails that waited for working hours, and the daily digests: one pass at a time, every interval.
    this.dispatchTimer = setInterval(() => {
      if (this.dispatching || !this.dispatcher) return;
      this.dispatching = this.dispatcher
        .tick()
        .then((r) => (r.deferred || r.digests ? this.logger.log(`outbox: sent ${r.deferred} deferred email(s) and ${r.digests} digest(s)`) : undefined))
        .catch((err: unknown) => this.logger.error(`outbox dispatcher: ${(err as Error).message}`))
        .finally(() => (this.dispatching = undefined));
    }, this.config.delivery.dispatchIntervalMs);
    this.dispatchTimer.unref();
    this.running = worker.run().catch((err: unknown) => {
      this.logger.error(`worker stopped with an error: ${(err as Error).message}`, (err as Error).stack);
      process.exitCode = 1;
      process.kill(process.pid, 'SIGTERM');
    });
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.dispatchTimer);
    await this.dispatching;
    if (this.worker && this.worker.getState() === 'RUNNING') this.worker.shutdown();
    await this.running;
    await this.nativeConnection?.close();
    await this.clientConnection?.close();
    this.mailer?.close();
    this.logger.log('worker stopped');
  }
}
