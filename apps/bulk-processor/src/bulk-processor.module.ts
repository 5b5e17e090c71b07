import { Module, type DynamicModule } from '@nestjs/common';
import { BulkJobsController, JOB_RUNNER } from './bulk-jobs.controller';
import type { JobRunner } from './job-runner';

@Module({})
export class BulkProcessorModule {
  static register(runner: JobRunner): DynamicModule {
    return { module: BulkProcessorModule, controllers: [BulkJobsController], providers: [{ provide: JOB_RUNNER, useValue: runner }] };
  }
}
