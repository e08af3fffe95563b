import { InMemoryApplicationKeyStore } from '../fakes/in-memory-application-key-store';
import { describeApplicationKeyStoreContract } from './application-key-store.contract';

describeApplicationKeyStoreContract(
  'the in-memory application key store',
  async () => new InMemoryApplicationKeyStore(),
);
