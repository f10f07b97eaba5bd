// First: the embedded PostgreSQL server (or $DATABASE_URL's) for this file, with its own database.
import { usePostgres } from '@minsheng/store-postgres/testing';
import { postgresLedger } from './testing/engines';
import { describeIntegrityFlows } from './testing/integrity-flows';

describeIntegrityFlows(postgresLedger(usePostgres()));
