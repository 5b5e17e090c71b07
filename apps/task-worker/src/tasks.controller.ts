import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { StreamCategory, Topics, taskIdOf } from '@batchyard/contracts';
import { z } from 'zod';
import { TaskRunner } from './task-runner';

export const TASK_RUNNER = Symbol('TASK_RUNNER');

const TaskEventSchema = z.object({ tenant: z.string(), stream: z.string(), type: z.string(), revision: z.number().int().nonnegative() });

/**
 * The latest event of a task moves it on by one step: the runner reads the task's stream and takes whatever step
 * is next, so a redelivered or duplicate event repeats nothing (step command ids are deterministic).
 */
@Controller()
export class TaskEventsController {
  constructor(@Inject(TASK_RUNNER) private readonly runner: TaskRunner) {}

  @EventPattern(Topics.events(StreamCategory.task))
  async onTaskEvent(@Payload() payload: unknown) {
    const event = TaskEventSchema.parse(payload);
    await this.runner.advance({ tenant: event.tenant, taskId: taskIdOf(event.stream) }, event.revision);
  }
}
