import type { JqWeb } from 'jq-web';

export declare function requireJqWeb(): PromiseLike<JqWeb>;
