/**
 * The parts of API Gateway's HTTP API event and result (payload format 2.0) that Baton reads and
 * writes, named as in @types/aws-lambda so the real types can replace these without other changes.
 * Written out here rather than added as a package: the API handler needs a dozen fields.
 */

export interface APIGatewayProxyEventV2 {
  version?: string;
  routeKey?: string;
  /** The path as sent, percent-encoding intact; with a named stage it starts with `/<stage>`. */
  rawPath: string;
  rawQueryString?: string;
  /** Lower-case names; repeated headers joined with commas. */
  headers?: Record<string, string | undefined>;
  /** Repeated parameters joined with commas; rawQueryString keeps them apart. */
  queryStringParameters?: Record<string, string | undefined>;
  pathParameters?: Record<string, string | undefined>;
  requestContext: {
    requestId?: string;
    stage?: string;
    http: { method: string; path?: string; sourceIp?: string; userAgent?: string };
  };
  body?: string;
  isBase64Encoded?: boolean;
}

export interface APIGatewayProxyResultV2 {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
  isBase64Encoded?: boolean;
}
