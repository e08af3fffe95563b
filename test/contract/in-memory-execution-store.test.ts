import { InMemoryExecutionStore } from '../fakes/in-memory-execution-store';
import { describeExecutionStoreContract } from './execution-store.contract';

describeExecutionStoreContract(
  'InMemoryExecutionStore',
  async (options) => new InMemoryExecutionStore(options),
);
