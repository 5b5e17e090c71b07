import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { CommandEnvelopeSchema, StreamCategory, Topics } from '@batchyard/contracts';
import { CommandHandler } from '@batchyard/write-side';

export const COMMAND_HANDLER = Symbol('COMMAND_HANDLER');

/**
 * Commands arrive on one topic per aggregate category. A payload that is not a command envelope
 * throws, and the transport retries it and then dead-letters it.
 */
@Controller()
export class CommandsController {
  constructor(@Inject(COMMAND_HANDLER) private readonly handler: CommandHandler) {}

  @EventPattern(Topics.commands(StreamCategory.tenant))
  async tenantCommand(@Payload() payload: unknown) {
    await this.handler.handle(CommandEnvelopeSchema.parse(payload));
  }

  @EventPattern(Topics.commands(StreamCategory.batch))
  async batchCommand(@Payload() payload: unknown) {
    await this.handler.handle(CommandEnvelopeSchema.parse(payload));
  }

  @EventPattern(Topics.commands(StreamCategory.resource))
  async resourceCommand(@Payload() payload: unknown) {
    await this.handler.handle(CommandEnvelopeSchema.parse(payload));
  }

  @EventPattern(Topics.commands(StreamCategory.unit))
  async unitCommand(@Payload() payload: unknown) {
    await this.handler.handle(CommandEnvelopeSchema.parse(payload));
  }

  @EventPattern(Topics.commands(StreamCategory.reservation))
  async reservationCommand(@Payload() payload: unknown) {
    await this.handler.handle(CommandEnvelopeSchema.parse(payload));
  }

  @EventPattern(Topics.commands(StreamCategory.bulkjob))
  async bulkJobCommand(@Payload() payload: unknown) {
    await this.handler.handle(CommandEnvelopeSchema.parse(payload));
  }

  @EventPattern(Topics.commands(StreamCategory.task))
  async taskCommand(@Payload() payload: unknown) {
    await this.handler.handle(CommandEnvelopeSchema.parse(payload));
  }

  @EventPattern(Topics.commands(StreamCategory.file))
  async fileCommand(@Payload() payload: unknown) {
    await this.handler.handle(CommandEnvelopeSchema.parse(payload));
  }

  @EventPattern(Topics.commands(StreamCategory.redirection))
  async redirectionCommand(@Payload() payload: unknown) {
    await this.handler.handle(CommandEnvelopeSchema.parse(payload));
  }
}
