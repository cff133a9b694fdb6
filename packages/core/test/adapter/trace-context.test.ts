import { describe, expect, it } from 'vitest'
import { isValidSpanId, isValidTraceId, parseTraceFlags, traceColumns } from '../../src/index.ts'

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736'
const SPAN = '00f067aa0ba902b7'

describe('trace context', () => {
  it('fills the columns from the fields the OpenTelemetry instrumentations inject', () => {
    expect(traceColumns({ trace_id: TRACE, span_id: SPAN, trace_flags: '01' })).toEqual({
      TraceId: TRACE,
      SpanId: SPAN,
      TraceFlags: 1,
    })
    expect(traceColumns({ trace_id: TRACE.toUpperCase(), span_id: SPAN, trace_flags: 3 })).toEqual({
      TraceId: TRACE,
      SpanId: SPAN,
      TraceFlags: 3,
    })
  })

  it('leaves out what is not a valid id, and flags without a trace', () => {
    expect(traceColumns({})).toEqual({})
    expect(traceColumns({ trace_id: 'abc', span_id: SPAN, trace_flags: '01' })).toEqual({ SpanId: SPAN })
    expect(traceColumns({ trace_id: '0'.repeat(32), span_id: '0'.repeat(16) })).toEqual({})
    expect(traceColumns({ trace_id: TRACE, trace_flags: 'zz' })).toEqual({ TraceId: TRACE })
  })

  it('validates ids and flags', () => {
    expect([isValidTraceId(TRACE), isValidTraceId(`${TRACE}0`), isValidTraceId(1)]).toEqual([true, false, false])
    expect([isValidSpanId(SPAN), isValidSpanId('xyz'), isValidSpanId('0000000000000000')]).toEqual([true, false, false])
    expect([parseTraceFlags('01'), parseTraceFlags('ff'), parseTraceFlags(256), parseTraceFlags('1.5')]).toEqual([
      1,
      255,
      undefined,
      undefined,
    ])
  })
})
