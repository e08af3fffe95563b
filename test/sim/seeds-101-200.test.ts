import { it } from 'vitest';
import { checkSeedRange } from '../support/sim';

it(
  'seeds 101–200: 20 workflows each under random faults and an operator, every invariant holds',
  () => checkSeedRange(101, 100),
  600_000,
);
