import { it } from 'vitest';
import { checkSeedRange } from '../support/sim';

it(
  'seeds 201–300: 20 workflows each under random faults and an operator, every invariant holds',
  () => checkSeedRange(201, 100),
  600_000,
);
