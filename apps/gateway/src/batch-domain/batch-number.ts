import { z } from 'zod';

/** TofuPilot's pattern for batch, serial, part and revision numbers (Seed C.5); EVRYTHNG's `identifiers.number` follows it too. */
export const TofuNumber = z
  .string()
  .min(1)
  .max(60)
  .regex(/^[a-zA-Z0-9_.:+-]+$/, 'must match ^[a-zA-Z0-9_.:+-]+$');
