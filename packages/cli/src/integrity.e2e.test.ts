import { sqliteLedger } from './testing/engines';
import { describeIntegrityFlows } from './testing/integrity-flows';

describeIntegrityFlows(sqliteLedger());
