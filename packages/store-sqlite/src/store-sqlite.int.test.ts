import { runEventStoreContract } from '@minsheng/event-store/testing';
import { sqliteContract } from './contract-harness';

runEventStoreContract('sqlite', sqliteContract());
