import { inMemoryHarness, runEventStoreContract } from './testing';

runEventStoreContract('in-memory', inMemoryHarness());
