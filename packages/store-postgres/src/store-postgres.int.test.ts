import { runEventStoreContract } from '@minsheng/event-store/testing';
import { postgresContract, usePostgres } from './testing';

const pg = usePostgres();

runEventStoreContract('postgres', postgresContract(pg.databaseUrl));
