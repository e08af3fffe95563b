import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { BatonEngineProps } from '../../infra/cdk/baton-engine';
import { BatonStack } from '../../infra/cdk/baton-stack';

/** A template resource; its properties are CloudFormation JSON, which the tests read field by field. */
export interface CfnResource {
  Type: string;
  // biome-ignore lint/suspicious/noExplicitAny: template JSON is untyped; the assertions check its shape
  Properties: Record<string, any>;
}

/**
 * A Baton stack and its template. Bundling is skipped (an empty bundling-stacks list), which keeps a
 * synth under a second; CI's `cdk synth` bundles every function for real.
 */
export const synthesizeStack = (engine: BatonEngineProps = {}) => {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new BatonStack(app, 'Baton', { engine });
  const template = Template.fromStack(stack);
  const resourcesOf = (type: string): [string, CfnResource][] =>
    Object.entries(template.findResources(type)) as [string, CfnResource][];
  /** The one resource of a type whose property has a value, with its logical id. */
  const named = (type: string, property: string, value: unknown): [string, CfnResource] => {
    const found = resourcesOf(type).filter(([, resource]) => resource.Properties[property] === value);
    if (found.length !== 1)
      throw new Error(`expected one ${type} with ${property} ${value}, found ${found.length}`);
    return found[0]!;
  };
  return { app, stack, template, resourcesOf, named };
};

/** Every statement of every IAM policy in the template, inline role policies included. */
export const policyStatements = (resourcesOf: ReturnType<typeof synthesizeStack>['resourcesOf']) =>
  [
    ...resourcesOf('AWS::IAM::Policy').flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement),
    ...resourcesOf('AWS::IAM::Role').flatMap(([, role]) =>
      (role.Properties.Policies ?? []).flatMap(
        (policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement,
      ),
    ),
  ] as { Effect: string; Action: string | string[]; Resource: unknown }[];

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);
