import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { StreamCategory, Topics } from '@batchyard/contracts';
import { z } from 'zod';
import { JobRunner } from './job-runner';

export const JOB_RUNNER = Symbol('JOB_RUNNER');

const JobEventSchema = z.object({ tenant: z.string(), stream: z.string(), type: z.string(), revision: z.number().int().nonnegative() });

/**
 * The latest event of a bulk job moves it on by one step: the runner reads the job's stream and does whatever
 * step is next, so a redelivered or duplicate event repeats nothing (step command ids are deterministic).
 */
@Controller()
export class BulkJobsController {
  constructor(@Inject(JOB_RUNNER) private readonly runner: JobRunner) {}

  @EventPattern(Topics.events(StreamCategory.bulkjob))
  async onJobEvent(@Payload() payload: unknown) {
    const event = JobEventSchema.parse(payload);
    await this.runner.advance({ tenant: event.tenant, jobId: event.stream.slice(event.stream.indexOf('.') + 1) }, event.revision);
  }
}
