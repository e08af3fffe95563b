import { it } from 'vitest';
import { checkSeedRange } from '../support/sim';

it(
  'seeds 1–100: 20 workflows each under random faults and an operator, every invariant holds',
  () => checkSeedRange(1, 100),
  600_000,
);
