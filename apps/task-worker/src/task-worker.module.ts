import { Module, type DynamicModule } from '@nestjs/common';
import { TASK_RUNNER, TaskEventsController } from './tasks.controller';
import type { TaskRunner } from './task-runner';

@Module({})
export class TaskWorkerModule {
  static register(runner: TaskRunner): DynamicModule {
    return { module: TaskWorkerModule, controllers: [TaskEventsController], providers: [{ provide: TASK_RUNNER, useValue: runner }] };
  }
}
