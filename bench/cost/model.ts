/**
 * The cost model of docs/aws-facts.md: dollars per million task transitions =
 * W·0.625 + R·0.125 + Q·0.40 + L·(0.20 + GB·s·13.33) + A·1.00, with W/R request units, Q SQS requests,
 * L Lambda invocations and A API requests per transition (us-east-1 on-demand, arm64 Lambda).
 */
import type { ClassTotals } from './ledger';

/** Dollars per million of each unit. */
export const PRICE = {
  writeUnit: 0.625,
  readUnit: 0.125,
  sqsRequest: 0.4,
  lambdaRequest: 0.2,
  gbSecond: 13.3334,
  apiRequest: 1.0,
  schedulerInvocation: 1.0,
} as const;

/** Every function is assumed at 512 MB (the api and decide functions' setting in infra/resources.ts). */
export const LAMBDA_GB = 0.5;
export const STEP_FUNCTIONS_STANDARD = 25;
export const TARGET = 4;

export interface Usage {
  writeUnits: number;
  readUnits: number;
  sqsRequests: number;
  lambdaInvocations: number;
  /** Handler time, summed (ms). */
  lambdaMs: number;
  apiRequests: number;
  schedulerInvocations: number;
}

export const noUsage = (): Usage => ({
  writeUnits: 0,
  readUnits: 0,
  sqsRequests: 0,
  lambdaInvocations: 0,
  lambdaMs: 0,
  apiRequests: 0,
  schedulerInvocations: 0,
});

export const addUsage = (a: Usage, b: Usage): Usage => ({
  writeUnits: a.writeUnits + b.writeUnits,
  readUnits: a.readUnits + b.readUnits,
  sqsRequests: a.sqsRequests + b.sqsRequests,
  lambdaInvocations: a.lambdaInvocations + b.lambdaInvocations,
  lambdaMs: a.lambdaMs + b.lambdaMs,
  apiRequests: a.apiRequests + b.apiRequests,
  schedulerInvocations: a.schedulerInvocations + b.schedulerInvocations,
});

export const EMPTY_RECEIVE = 'ReceiveMessage (empty)';

/** One class's usage; `withEmptyReceives` false leaves out SQS receives that brought nothing. */
export const usageOfClass = (cls: string, t: ClassTotals, withEmptyReceives: boolean): Usage => {
  const stores = Object.values(t.store);
  const isHandler =
    cls.startsWith('api') || cls === 'decide' || cls === 'systemTask' || cls.endsWith(':error');
  return {
    writeUnits: stores.reduce((sum, e) => sum + e.writeUnits, 0) + t.definitions.writeUnits,
    readUnits: stores.reduce((sum, e) => sum + e.readUnits, 0) + t.definitions.readUnits,
    sqsRequests: Object.entries(t.sqs)
      .filter(([key]) => withEmptyReceives || key !== EMPTY_RECEIVE)
      .reduce((sum, [, n]) => sum + n, 0),
    lambdaInvocations: isHandler ? t.invocations : 0,
    lambdaMs: isHandler ? t.durationMs : 0,
    apiRequests: cls.startsWith('api') ? t.invocations : 0,
    schedulerInvocations: 0,
  };
};

export interface CostLine {
  component: string;
  perTransition: number;
  dollarsPerMillion: number;
}

/** Dollars per million transitions, by component. */
export const costOf = (usage: Usage, transitions: number): CostLine[] => {
  const per = (n: number) => n / transitions;
  const gbSeconds = (usage.lambdaMs / 1000) * LAMBDA_GB;
  return [
    {
      component: 'DynamoDB write units',
      perTransition: per(usage.writeUnits),
      dollarsPerMillion: per(usage.writeUnits) * PRICE.writeUnit,
    },
    {
      component: 'DynamoDB read units',
      perTransition: per(usage.readUnits),
      dollarsPerMillion: per(usage.readUnits) * PRICE.readUnit,
    },
    {
      component: 'SQS requests',
      perTransition: per(usage.sqsRequests),
      dollarsPerMillion: per(usage.sqsRequests) * PRICE.sqsRequest,
    },
    {
      component: 'Lambda requests',
      perTransition: per(usage.lambdaInvocations),
      dollarsPerMillion: per(usage.lambdaInvocations) * PRICE.lambdaRequest,
    },
    {
      component: 'Lambda GB·s (512 MB)',
      perTransition: per(gbSeconds),
      dollarsPerMillion: per(gbSeconds) * PRICE.gbSecond,
    },
    {
      component: 'API Gateway requests',
      perTransition: per(usage.apiRequests),
      dollarsPerMillion: per(usage.apiRequests) * PRICE.apiRequest,
    },
    {
      component: 'Scheduler invocations',
      perTransition: per(usage.schedulerInvocations),
      dollarsPerMillion: per(usage.schedulerInvocations) * PRICE.schedulerInvocation,
    },
  ];
};

export const totalOf = (lines: CostLine[]): number =>
  lines.reduce((sum, line) => sum + line.dollarsPerMillion, 0);
