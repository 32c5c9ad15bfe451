/**
 * Compile-time proof that the hand-written wire types in `types.ts` describe the same JSON as
 * the server's OpenAPI document (`openapi.gen.ts`, generated from `../openapi.json` by
 * `npm run openapi`). Nothing here exists at run time: `tsc` fails when a type drifts.
 *
 * Each check requires the two types to be mutually assignable and to have the same property
 * names, so a field missing, added, renamed or retyped on either side fails the build.
 */
import type { components } from './openapi.gen';
import type * as Api from './types';

type Schemas = components['schemas'];

/** Fails to compile unless `T` is `true`. */
type Expect<T extends true> = T;

type SameKeys<A, B> = [keyof A] extends [keyof B]
  ? [keyof B] extends [keyof A]
    ? true
    : false
  : false;

/** True when `A` and `B` are mutually assignable and have the same property names. */
type Agree<A, B> = [A] extends [B] ? ([B] extends [A] ? SameKeys<A, B> : false) : false;

/** Keys of optional properties that also accept `null`. */
type NullableOptionalKeys<T> = {
  [K in keyof T]-?: undefined extends T[K] ? (null extends T[K] ? K : never) : never;
}[keyof T];

/**
 * The server serializes every `Option` field, writing `None` as `null` (no field is skipped),
 * but the document lists such fields as not required (`field?: T | null`). This makes those
 * properties required (`field: T | null`), deeply, which is what arrives on the wire. Optional
 * fields that do not accept `null` (e.g. `money_by_type`) stay optional.
 */
type Wire<T> = T extends readonly (infer E)[]
  ? Wire<E>[]
  : T extends object
    ? Flat<
        { [K in keyof T as K extends NullableOptionalKeys<T> ? never : K]: Wire<T[K]> } & {
          [K in NullableOptionalKeys<T>]-?: Wire<Exclude<T[K], undefined>>;
        }
      >
    : T;

type Flat<T> = { [K in keyof T]: T[K] };

type Live<K extends Api.LiveMessage['type']> = Wire<Extract<Schemas['LiveMessage'], { type: K }>>;

export type ContractChecks = [
  Expect<Agree<Api.StreamSummary, Wire<Schemas['StreamSummary']>>>,
  Expect<Agree<Api.StreamsPage, Wire<Schemas['StreamList']>>>,
  Expect<Agree<Api.NamedCount, Wire<Schemas['CountEntry']>>>,
  Expect<Agree<Api.MetricsWindow, Wire<Schemas['WindowMetrics']>>>,
  Expect<Agree<Api.MetricsResponse, Wire<Schemas['MetricsSeries']>>>,
  Expect<Agree<Api.Severity, Schemas['Severity']>>,
  Expect<Agree<Api.MomentType, Schemas['MomentType']>>,
  Expect<Agree<Api.Moment, Wire<Schemas['Moment']>>>,
  Expect<Agree<Api.MomentsResponse, Wire<Schemas['MomentList']>>>,
  Expect<Agree<Api.ViewerSample, Wire<Schemas['ViewerSample']>>>,
  Expect<Agree<Api.ViewersResponse, Wire<Schemas['ViewerSeries']>>>,
  Expect<Agree<Api.TransactionType, Schemas['TransactionType']>>,
  Expect<Agree<Api.Transaction, Wire<Schemas['TransactionRecord']>>>,
  Expect<Agree<Api.MoneyByType, Wire<Schemas['MoneyByType']>>>,
  Expect<Agree<Api.TransactionsSummary, Wire<Schemas['MoneySummary']>>>,
  Expect<Agree<Api.TransactionsResponse, Wire<Schemas['TransactionList']>>>,
  Expect<Agree<Api.EmotesResponse, Wire<Schemas['EmoteList']>>>,
  Expect<Agree<Api.ChattersResponse, Wire<Schemas['ChatterList']>>>,
  Expect<Agree<Api.ErrorBody, Wire<Schemas['ErrorBody']>>>,
  Expect<Agree<Api.LiveMessage, Wire<Schemas['LiveMessage']>>>,
  Expect<Agree<Api.LiveMessage['type'], Schemas['LiveMessage']['type']>>,
  Expect<Agree<Api.SnapshotMessage, Live<'snapshot'>>>,
  Expect<Agree<Api.MetricsMessage, Live<'metrics'>>>,
  Expect<Agree<Api.ViewersMessage, Live<'viewers'>>>,
  Expect<Agree<Api.MomentMessage, Live<'moment'>>>,
  Expect<Agree<Api.StreamMessage, Live<'stream'>>>,
];
