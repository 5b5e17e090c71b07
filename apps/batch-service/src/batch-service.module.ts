import { Module, type DynamicModule } from '@nestjs/common';
import type { CommandHandler } from '@batchyard/write-side';
import { COMMAND_HANDLER, CommandsController } from './commands.controller';

@Module({})
export class BatchServiceModule {
  static register(handler: CommandHandler): DynamicModule {
    return {
      module: BatchServiceModule,
      controllers: [CommandsController],
      providers: [{ provide: COMMAND_HANDLER, useValue: handler }],
    };
  }
}
