/**
 * Parses the KQL subset into a syntax tree: a transformation (`source | …`) or a query (`Table | …`). The grammar is
 * the same; which operators may run is decided by the compilers. Pure.
 */
import type { Assignment, LetStatement, ParsePart, Query, QueryInput, SortKey, TabularOperator } from './ast.ts'
import { KqlSyntaxError, KqlUnsupportedError } from './errors.ts'
import { ExprParser } from './expr-parser.ts'
import { tokenize } from './tokenizer.ts'

/** What the text is: a DCR transformation (starts with `source`) or a Log Analytics query (starts with a table). */
export type KqlMode = 'transform' | 'query'

/** Tabular operators the emulator knows, for messages about those it does not. */
export const KNOWN_OPERATORS: readonly string[] = [
  'where',
  'extend',
  'project',
  'project-away',
  'project-keep',
  'project-rename',
  'project-reorder',
  'parse',
  'take',
  'limit',
  'count',
  'summarize',
  'order by',
  'sort by',
  'top',
  'distinct',
]

type Operator = TabularOperator & { keyword: string }

class Parser extends ExprParser {
  parseQuery(mode: KqlMode): Query {
    const lets: LetStatement[] = []
    while (this._isWord('let')) {
      lets.push(this._let())
      this._expectOp(';')
    }
    const input = this._input(mode)
    const operators: Operator[] = []
    while (this._isOp('|')) {
      this._next()
      operators.push(this._operator())
    }
    if (this._isOp(';')) this._next()
    const rest = this._peek
    if (rest.kind !== 'eof') throw new KqlSyntaxError(`Unexpected '${rest.value}'`, rest.pos)
    return { lets, input, operators }
  }

  private _input(mode: KqlMode): QueryInput {
    const first = this._next()
    if (first.kind === 'ident' && first.value === 'print') return { kind: 'print', assignments: this._assignments() }
    if (mode === 'transform') {
      if (first.kind === 'ident' && first.value === 'source') return { kind: 'source' }
      throw new KqlSyntaxError(
        `A transformation starts with 'source' (found '${first.value || 'end of query'}')`,
        first.pos,
      )
    }
    if (first.kind !== 'ident') {
      throw new KqlSyntaxError(
        `A query starts with a table name, such as AppLogs_CL (found '${first.value || 'end of query'}')`,
        first.pos,
      )
    }
    return { kind: 'table', name: first.value, pos: first.pos }
  }

  private _let(): LetStatement {
    this._next()
    const name = this._ident('a name after let')
    this._expectOp('=')
    if (this._isOp('(') && this._looksLikeLambda()) {
      this._next()
      const params: { name: string; type: string }[] = []
      while (!this._isOp(')')) {
        const p = this._ident('a parameter name')
        this._expectOp(':')
        params.push({ name: p, type: this._ident('a parameter type') })
        if (!this._isOp(')')) this._expectOp(',')
      }
      this._next()
      this._expectOp('{')
      const body = this._expr()
      this._expectOp('}')
      return { kind: 'function', name, params, body }
    }
    return { kind: 'scalar', name, value: this._expr() }
  }

  private _looksLikeLambda(): boolean {
    // `(x:string, …) {` or `() {`
    if (this._isOp(')', 1)) return this._isOp('{', 2)
    return this._tokens[this._i + 1]?.kind === 'ident' && this._isOp(':', 2)
  }

  private _operator(): Operator {
    const t = this._next()
    if (t.kind !== 'ident') throw new KqlSyntaxError(`Expected an operator after '|' but found '${t.value}'`, t.pos)
    const pos = t.pos
    const keyword = t.value
    const op = (o: TabularOperator): Operator => ({ ...o, keyword })
    switch (keyword) {
      case 'extend':
      case 'project':
        return op({ op: keyword, assignments: this._assignments(), pos })
      case 'project-away':
      case 'project-keep':
      case 'project-reorder':
        return op({ op: keyword, names: this._nameList(), pos })
      case 'project-rename': {
        const renames: { to: string; from: string }[] = []
        do {
          if (renames.length > 0) this._next()
          const to = this._ident('a new column name')
          this._expectOp('=')
          renames.push({ to, from: this._ident('an existing column name') })
        } while (this._isOp(','))
        return op({ op: 'project-rename', renames, pos })
      }
      case 'where':
      case 'filter':
        return op({ op: 'where', predicate: this._expr(), pos })
      case 'parse':
        return op(this._parseOperator(pos))
      case 'take':
      case 'limit':
        return op({ op: 'take', count: this._expr(), pos })
      case 'count':
        return op({ op: 'count', pos })
      case 'sort':
      case 'order':
        if (!this._isWord('by')) throw new KqlSyntaxError(`Expected 'by' after '${keyword}'`, this._peek.pos)
        this._next()
        return op({ op: 'sort', keys: this._sortKeys(), pos })
      case 'top': {
        const count = this._expr()
        if (!this._isWord('by')) throw new KqlSyntaxError("Expected 'by' in 'top N by column'", this._peek.pos)
        this._next()
        return op({ op: 'top', count, keys: this._sortKeys(), pos })
      }
      case 'distinct':
        if (this._isOp('*')) {
          this._next()
          return op({ op: 'distinct', columns: '*', pos })
        }
        return op({ op: 'distinct', columns: this._assignments(), pos })
      case 'summarize': {
        const aggregations = this._isWord('by') ? [] : this._assignments()
        let by: Assignment[] = []
        if (this._isWord('by')) {
          this._next()
          by = this._assignments()
        }
        return op({ op: 'summarize', aggregations, by, pos })
      }
      default:
        throw new KqlUnsupportedError(
          `The '${keyword}' operator is not supported by the emulator. Supported tabular operators: ${KNOWN_OPERATORS.join(', ')}`,
          pos,
        )
    }
  }

  private _sortKeys(): SortKey[] {
    const keys: SortKey[] = []
    do {
      if (keys.length > 0) this._next()
      const expr = this._expr()
      let desc = true
      if (this._isWord('asc') || this._isWord('desc')) desc = this._next().value === 'desc'
      let nullsFirst = !desc
      if (this._isWord('nulls')) {
        this._next()
        const where = this._ident("'first' or 'last' after 'nulls'")
        if (where !== 'first' && where !== 'last')
          throw new KqlSyntaxError(`Expected 'first' or 'last' after 'nulls' but found '${where}'`, this._peek.pos)
        nullsFirst = where === 'first'
      }
      keys.push({ expr, desc, nullsFirst })
    } while (this._isOp(','))
    return keys
  }

  private _parseOperator(pos: number): TabularOperator {
    if (this._isWord('kind')) {
      this._next()
      this._expectOp('=')
      const kind = this._ident('a parse kind')
      if (kind !== 'simple')
        throw new KqlSyntaxError(`parse kind=${kind} is not supported by the emulator (only kind=simple)`, pos)
    }
    const source = this._expr()
    if (!this._isWord('with')) throw new KqlSyntaxError("Expected 'with' in parse", this._peek.pos)
    this._next()
    const parts: ParsePart[] = []
    for (;;) {
      const t = this._peek
      if (t.kind === 'op' && t.value === '*') {
        this._next()
        parts.push({ kind: 'any' })
      } else if (t.kind === 'string') {
        this._next()
        parts.push({ kind: 'text', text: t.value })
      } else if (t.kind === 'ident') {
        this._next()
        let type = 'string'
        if (this._isOp(':')) {
          this._next()
          type = this._ident('a column type')
        }
        parts.push({ kind: 'column', name: t.value, type })
      } else break
    }
    return { op: 'parse', source, parts, pos }
  }

  private _nameList(): string[] {
    const names: string[] = []
    do {
      if (names.length > 0) this._next()
      let name = this._ident('a column name')
      // wildcards: Name*, *Suffix
      while (this._isOp('*')) {
        this._next()
        name += '*'
        if (this._peek.kind === 'ident') name += this._next().value
      }
      names.push(name)
    } while (this._isOp(','))
    return names
  }

  private _assignments(): Assignment[] {
    const out: Assignment[] = []
    do {
      if (out.length > 0) this._next()
      if (this._peek.kind === 'ident' && this._isOp('=', 1)) {
        const name = this._next().value
        this._next()
        out.push({ name, expr: this._expr() })
      } else out.push({ name: undefined, expr: this._expr() })
    } while (this._isOp(','))
    return out
  }
}

/** Parses a transformation or a query. Throws `KqlSyntaxError` with the position of the problem. */
export const parseKql = (text: string, mode: KqlMode = 'transform'): Query =>
  new Parser(tokenize(text)).parseQuery(mode)
