/*
 * Where a ledger lives in EventStoreDB. One database can hold several ledgers (and other
 * applications' streams); each ledger owns three families of streams, all named from it:
 *
 *   <ledger>_log              every event of the ledger, in order: the global log
 *   <ledger>_stream-<stream>  one link ($>) per event of <stream>, at the event's revision
 *   <ledger>_id-<eventId>     one link to the event with that id
 *
 * A ledger name has no '-', so ESDB's default category of the link streams is
 * `<ledger>_stream` and `<ledger>_id`, and no two ledgers' stream names can meet.
 */

export const DEFAULT_LEDGER = 'minsheng';

const LEDGER = /^[A-Za-z0-9_]{1,64}$/;

export interface LedgerStreams {
  readonly ledger: string;
  readonly log: string;
  stream(stream: string): string;
  id(eventId: string): string;
}

export const ledgerStreams = (ledger: string = DEFAULT_LEDGER): LedgerStreams => {
  if (!LEDGER.test(ledger)) throw new TypeError(`ledger name ${JSON.stringify(ledger)} must be 1 to 64 letters, digits or underscores`);
  return {
    ledger,
    log: `${ledger}_log`,
    stream: (stream) => `${ledger}_stream-${stream}`,
    id: (eventId) => `${ledger}_id-${eventId}`,
  };
};
