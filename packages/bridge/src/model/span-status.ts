import { SpanStatusCode } from '@opentelemetry/api';

/** OTLP's span status ERROR (`STATUS_CODE_ERROR`), as the OTel API numbers it. */
export const SPAN_STATUS_ERROR: number = SpanStatusCode.ERROR;

/** OTLP's span status UNSET, the status of a task record that did not fail. */
export const SPAN_STATUS_UNSET: number = SpanStatusCode.UNSET;
