/**
 * Which AWS emulator the tests talk to. With AWS_ENDPOINT_URL set (LocalStack through
 * `npm run test:localstack`, or a moto server someone started), tests use that endpoint and start
 * nothing; without it, each test file starts a moto of its own (test/support/moto.ts).
 *
 * An emulator named by the variable outlives the test file, and LocalStack outlives the whole run,
 * so tests on it cannot wipe it (moto's `/moto-api/reset` exists on moto only) and must name what
 * they create so that no other file, and no earlier run, has used the name: see uniqueName.
 */
import { randomBytes } from 'node:crypto';

/** The endpoint of an emulator the tests did not start, or undefined when they start their own. */
export const externalEndpoint = (): string | undefined => process.env.AWS_ENDPOINT_URL || undefined;

/**
 * Different in every test file (vitest loads this module once per file) and in every run: a time
 * in base 36 plus random bytes, short enough for SQS's 80 and the Scheduler's 64 characters.
 */
const RUN_TAG = `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`;

/** `base` made unique to this test file and this run; letters, digits and hyphens only. */
export const uniqueName = (base: string): string => `${base}-${RUN_TAG}`;
