import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FunctionResource } from '../resources';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const resolvePackageFile = createRequire(import.meta.url).resolve;

/**
 * The WebAssembly the script engines load from beside the bundle at run time (QuickJS for
 * JavaScript expressions, jq for JSON_JQ_TRANSFORM); esbuild cannot inline them.
 */
const WASM_FILES = [
  resolvePackageFile('@jitl/quickjs-wasmfile-release-sync/wasm'),
  resolvePackageFile('jq-web/jq.wasm'),
];

/**
 * ESM output, because QuickJS's loader finds its .wasm through import.meta.url, which a CommonJS
 * bundle leaves empty. The bundled CommonJS packages (jq-web, the SDK) still call require and read
 * __dirname, so the banner defines both for the module.
 */
const ESM_COMMONJS_SHIM = [
  "import { createRequire as __createRequire } from 'node:module';",
  "import { fileURLToPath as __fileURLToPath } from 'node:url';",
  "import { dirname as __pathDirname } from 'node:path';",
  'const require = __createRequire(import.meta.url);',
  'const __filename = __fileURLToPath(import.meta.url);',
  'const __dirname = __pathDirname(__filename);',
].join(' ');

export interface EngineFunctionProps {
  functionName: string;
  resource: FunctionResource;
  environment: Record<string, string>;
  logRetention: RetentionDays;
  reservedConcurrency?: number;
}

/**
 * One handler as an arm64 Node 22 function, bundled by the local esbuild (no Docker), with a log
 * group of its own and a role that may write to that log group and nothing else yet: the engine
 * grants the rest from the function's declared access.
 */
export const engineFunction = (scope: Construct, id: string, props: EngineFunctionProps): NodejsFunction => {
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: props.logRetention,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new Role(scope, `${id}Role`, {
    assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
    description: `Runs ${props.functionName}`,
  });
  logGroup.grantWrite(role);
  return new NodejsFunction(scope, id, {
    functionName: props.functionName,
    entry: join(REPO_ROOT, props.resource.entry),
    handler: 'handler',
    projectRoot: REPO_ROOT,
    depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.resource.memoryMb,
    timeout: Duration.seconds(props.resource.timeoutSeconds),
    reservedConcurrentExecutions: props.reservedConcurrency,
    environment: props.environment,
    role,
    logGroup,
    bundling: {
      forceDockerBundling: false,
      format: OutputFormat.ESM,
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: ESM_COMMONJS_SHIM,
      // The SDK goes into the bundle: the versions the tests ran with, not the runtime's.
      externalModules: [],
      minify: true,
      sourceMap: true,
      commandHooks: {
        beforeBundling: () => [],
        beforeInstall: () => [],
        afterBundling: (_inputDir, outputDir) => WASM_FILES.map((file) => `cp "${file}" "${outputDir}"`),
      },
    },
  });
};
