/*
 * The client's own wire code, driven without a server: what `appendToStream` puts on the
 * wire, what `readStream` makes of server responses, and the errors the client builds from
 * either. Tests only (excluded from the build). The client's dependencies (@grpc/grpc-js,
 * its generated protobuf) are loaded from the client's own folder, so `instanceof` checks
 * inside the client see the very classes these fixtures build.
 */
import { dirname, join } from 'node:path';
import { Readable, Writable } from 'node:stream';
import type { AppendExpectedRevision, EventData, ResolvedEvent } from '@eventstore/db-client';

const clientDir = dirname(require.resolve('@eventstore/db-client/package.json'));
const fromClient = (path: string): any => require(join(clientDir, path));

export const grpc = require(require.resolve('@grpc/grpc-js', { paths: [clientDir] }));
const streamsPb = fromClient('generated/streams_pb');
const sharedPb = fromClient('generated/shared_pb');
const { append } = fromClient('dist/streams/appendToStream/append');
const { ReadStream } = fromClient('dist/streams/utils/ReadStream');
const { convertGrpcEvent } = fromClient('dist/utils/convertGrpcEvent');

/** A gRPC ServiceError as @grpc/grpc-js hands it to the client: status code, details and trailers. */
export const serviceError = (code: number, details: string, trailers: Record<string, string>): Error => {
  const metadata = new grpc.Metadata();
  for (const [k, v] of Object.entries(trailers)) metadata.set(k, v);
  return Object.assign(new Error(`${code} ${grpc.status[code]}: ${details}`), { code, details, metadata });
};

const streamIdentifier = (name: string) => new sharedPb.StreamIdentifier().setStreamName(Buffer.from(name, 'utf8'));

export interface AppendOnTheWire {
  /** The header's expected revision as the client encoded it. */
  readonly expected: { kind: 'revision'; revision: string } | { kind: 'no_stream' | 'any' | 'stream_exists' };
  /** The proposed messages, as protobuf. */
  readonly messages: readonly any[];
}

/** What the server answers: success, or a wrong expected version with the stream's current revision. */
export type AppendAnswer =
  | { readonly ok: true }
  | { readonly ok: false; readonly current: bigint | 'no_stream'; readonly expected: bigint | 'no_stream' | 'any' | 'stream_exists' };

/**
 * Runs the client's real (non-batch) append against a stand-in gRPC call that records the
 * request and answers as told. Returns what went on the wire; rejects as the client would.
 */
export const appendOverTheWire = async (
  stream: string,
  events: readonly EventData[],
  expectedRevision: AppendExpectedRevision,
  answer: AppendAnswer = { ok: true },
): Promise<AppendOnTheWire> => {
  const written: any[] = [];
  const respond = () => {
    const resp = new streamsPb.AppendResp();
    if (answer.ok) resp.setSuccess(new streamsPb.AppendResp.Success().setCurrentRevision(String(Math.max(0, events.length - 1))).setNoPosition(new sharedPb.Empty()));
    else {
      const wev = new streamsPb.AppendResp.WrongExpectedVersion();
      if (answer.current === 'no_stream') wev.setCurrentNoStream(new sharedPb.Empty());
      else wev.setCurrentRevision(answer.current.toString());
      if (typeof answer.expected === 'bigint') wev.setExpectedRevision(answer.expected.toString());
      else if (answer.expected === 'no_stream') wev.setExpectedNoStream(new sharedPb.Empty());
      else if (answer.expected === 'stream_exists') wev.setExpectedStreamExists(new sharedPb.Empty());
      else wev.setExpectedAny(new sharedPb.Empty());
      resp.setWrongExpectedVersion(wev);
    }
    return streamsPb.AppendResp.deserializeBinary(resp.serializeBinary());
  };
  const call = {
    callArguments: () => [new grpc.Metadata(), {}],
    throwOnAppendFailure: true,
    execute: (_client: unknown, _name: string, action: (c: unknown) => Promise<unknown>) =>
      action({
        append: (_metadata: unknown, _options: unknown, callback: (err: Error | null, resp?: unknown) => void) =>
          new Writable({
            objectMode: true,
            write: (msg: any, _enc, done) => (written.push(streamsPb.AppendReq.deserializeBinary(msg.serializeBinary())), done()),
            final: (done) => (done(), callback(null, respond())),
          }),
      }),
  };
  await append.call(call, stream, events, { expectedRevision });
  const options = written[0].getOptions();
  const expected = options.hasRevision()
    ? { kind: 'revision' as const, revision: options.getRevision() as string }
    : { kind: options.hasNoStream() ? ('no_stream' as const) : options.hasAny() ? ('any' as const) : ('stream_exists' as const) };
  return { expected, messages: written.slice(1).map((w) => w.getProposedMessage()) };
};

/** The record a server returns for a proposed message stored at `revision` of `stream`. */
export const storedRecord = (stream: string, revision: bigint, message: any): any => {
  const r = new streamsPb.ReadResp.ReadEvent.RecordedEvent()
    .setId(new sharedPb.UUID().setString(message.getId().getString()))
    .setStreamIdentifier(streamIdentifier(stream))
    .setStreamRevision(revision.toString())
    .setPreparePosition('4096')
    .setCommitPosition('4096')
    .setData(message.getData_asU8())
    .setCustomMetadata(message.getCustomMetadata_asU8());
  message.getMetadataMap().forEach((v: string, k: string) => r.getMetadataMap().set(k, v));
  r.getMetadataMap().set('created', '638400000000000000');
  return r;
};

/** A response to a read: one event, resolved from a link when `link` is given. */
export const eventResponse = (event: any, link?: any): any => {
  const readEvent = new streamsPb.ReadResp.ReadEvent().setEvent(event).setNoPosition(new sharedPb.Empty());
  if (link) readEvent.setLink(link);
  return streamsPb.ReadResp.deserializeBinary(new streamsPb.ReadResp().setEvent(readEvent).serializeBinary());
};

/** The response a server sends when the stream read has no events. */
export const streamNotFoundResponse = (stream: string): any =>
  new streamsPb.ReadResp().setStreamNotFound(new streamsPb.ReadResp.StreamNotFound().setStreamIdentifier(streamIdentifier(stream)));

/** The client's own conversion of a response into the ResolvedEvent its reads yield. */
export const resolved = (response: any): ResolvedEvent => convertGrpcEvent(response.getEvent());

/**
 * The client's real ReadStream, as `client.readStream` returns it, over a stand-in gRPC call
 * that sends the given responses and then, like a call receiving its status, either ends or
 * fails with `failWith` (a ServiceError, which the client converts).
 */
export const readingClient = (responses: (stream: string, options: unknown) => readonly any[], failWith?: () => Error) => ({
  readStream: (stream: string, options: unknown) => {
    const call = new Readable({ objectMode: true, read: () => undefined });
    for (const r of responses(stream, options)) call.push(r);
    setTimeout(() => (failWith ? call.destroy(failWith()) : call.push(null)), 5);
    return new ReadStream(() => Promise.resolve(call), convertGrpcEvent, {});
  },
});

/** The error the client builds when a batch append (the path newer servers use) meets a wrong expected version. */
export const batchAppendConflict = (
  stream: string,
  current: bigint | 'no_stream',
  expected: bigint | 'no_stream' | 'any' | 'stream_exists',
): unknown => {
  const { WrongExpectedVersionError } = fromClient('dist/utils/CommandError');
  const details = new sharedPb.WrongExpectedVersion();
  if (current === 'no_stream') details.setCurrentNoStream(new sharedPb.Empty());
  else details.setCurrentStreamRevision(current.toString());
  if (typeof expected === 'bigint') details.setExpectedStreamPosition(expected.toString());
  else if (expected === 'no_stream') details.setExpectedNoStream(new sharedPb.Empty());
  else if (expected === 'stream_exists') details.setExpectedStreamExists(new sharedPb.Empty());
  else details.setExpectedAny(new sharedPb.Empty());
  return WrongExpectedVersionError.fromWrongExpectedVersion(sharedPb.WrongExpectedVersion.deserializeBinary(details.serializeBinary()), stream);
};
