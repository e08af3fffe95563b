import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import type { AuthMode } from '../../infra/cdk/engine-props';
import { synthesizeStack } from './synthesized-stack';

describe("cdk-nag's AwsSolutions checks", () => {
  it.each<AuthMode>(['token', 'iam'])('find nothing unacknowledged in %s auth mode', (authMode) => {
    const { app, stack } = synthesizeStack({ authMode });
    const report = new AwsSolutionsChecks(app).validateScope(stack);
    const findings = report.violations.map(
      (violation) =>
        `${violation.severity} ${violation.ruleName}: ${violation.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
  });
});
