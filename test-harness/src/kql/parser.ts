/** Parses the transformKql subset into an AST. Pure. */
import { KqlSyntaxError, type Token, tokenize } from './tokenizer.ts'

export type Expr =
  | { t: 'lit'; value: unknown; pos: number; real?: boolean }
  | { t: 'col'; name: string; pos: number }
  | { t: 'member'; obj: Expr; name: string; pos: number }
  | { t: 'index'; obj: Expr; index: Expr; pos: number }
  | { t: 'call'; name: string; args: Expr[]; pos: number }
  | { t: 'unary'; op: '-' | '+'; arg: Expr; pos: number }
  | { t: 'binary'; op: string; left: Expr; right: Expr; pos: number }
  | { t: 'in'; op: string; left: Expr; list: Expr[]; pos: number }
  | { t: 'between'; negate: boolean; left: Expr; low: Expr; high: Expr; pos: number }

export interface Assignment {
  name: string | undefined
  expr: Expr
}

export type ParsePart =
  | { kind: 'any' }
  | { kind: 'text'; text: string }
  | { kind: 'column'; name: string; type: string }

export type TabularOperator =
  | { op: 'extend' | 'project'; assignments: Assignment[]; pos: number }
  | { op: 'project-away' | 'project-keep' | 'project-reorder'; names: string[]; pos: number }
  | { op: 'project-rename'; renames: { to: string; from: string }[]; pos: number }
  | { op: 'where'; predicate: Expr; pos: number }
  | { op: 'parse'; source: Expr; parts: ParsePart[]; pos: number }

export type LetStatement =
  | { kind: 'scalar'; name: string; value: Expr }
  | { kind: 'function'; name: string; params: { name: string; type: string }[]; body: Expr }

export interface Query {
  lets: LetStatement[]
  input: { kind: 'source' } | { kind: 'print'; assignments: Assignment[] }
  operators: TabularOperator[]
}

const COMPARISON = new Set([
  '==',
  '!=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  '=~',
  '!~',
  'contains',
  '!contains',
  'contains_cs',
  '!contains_cs',
  'has',
  '!has',
  'has_cs',
  '!has_cs',
  'startswith',
  '!startswith',
  'startswith_cs',
  '!startswith_cs',
  'endswith',
  '!endswith',
  'endswith_cs',
  '!endswith_cs',
])

class Parser {
  private _i = 0
  constructor(private readonly _tokens: Token[]) {}

  private get _peek(): Token {
    return this._tokens[this._i]!
  }

  private _next(): Token {
    const t = this._tokens[this._i]!
    if (t.kind !== 'eof') this._i++
    return t
  }

  private _isOp(value: string, offset = 0): boolean {
    const t = this._tokens[this._i + offset]
    return t !== undefined && t.kind === 'op' && t.value === value
  }

  private _isWord(value: string, offset = 0): boolean {
    const t = this._tokens[this._i + offset]
    return t !== undefined && t.kind === 'ident' && t.value === value
  }

  private _expectOp(value: string): Token {
    const t = this._next()
    if (t.kind !== 'op' || t.value !== value)
      throw new KqlSyntaxError(`Expected '${value}' but found '${t.value || 'end of query'}'`, t.pos)
    return t
  }

  private _ident(what: string): string {
    const t = this._next()
    if (t.kind !== 'ident') throw new KqlSyntaxError(`Expected ${what} but found '${t.value || 'end of query'}'`, t.pos)
    return t.value
  }

  parseQuery(): Query {
    const lets: LetStatement[] = []
    while (this._isWord('let')) {
      lets.push(this._let())
      this._expectOp(';')
    }
    let input: Query['input']
    const first = this._next()
    if (first.kind === 'ident' && first.value === 'source') input = { kind: 'source' }
    else if (first.kind === 'ident' && first.value === 'print')
      input = { kind: 'print', assignments: this._assignments() }
    else
      throw new KqlSyntaxError(
        `A transformation starts with 'source' (found '${first.value || 'end of query'}')`,
        first.pos,
      )
    const operators: TabularOperator[] = []
    while (this._isOp('|')) {
      this._next()
      operators.push(this._operator())
    }
    if (this._isOp(';')) this._next()
    const rest = this._peek
    if (rest.kind !== 'eof') throw new KqlSyntaxError(`Unexpected '${rest.value}'`, rest.pos)
    return { lets, input, operators }
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

  private _operator(): TabularOperator {
    const t = this._next()
    if (t.kind !== 'ident') throw new KqlSyntaxError(`Expected an operator after '|' but found '${t.value}'`, t.pos)
    switch (t.value) {
      case 'extend':
      case 'project':
        return { op: t.value, assignments: this._assignments(), pos: t.pos }
      case 'project-away':
      case 'project-keep':
      case 'project-reorder':
        return { op: t.value, names: this._nameList(), pos: t.pos }
      case 'project-rename': {
        const renames: { to: string; from: string }[] = []
        do {
          if (renames.length > 0) this._next()
          const to = this._ident('a new column name')
          this._expectOp('=')
          renames.push({ to, from: this._ident('an existing column name') })
        } while (this._isOp(','))
        return { op: 'project-rename', renames, pos: t.pos }
      }
      case 'where':
      case 'filter':
        return { op: 'where', predicate: this._expr(), pos: t.pos }
      case 'parse':
        return this._parseOperator(t.pos)
      case 'summarize':
      case 'join':
      case 'union':
      case 'mv-expand':
      case 'take':
      case 'limit':
      case 'sort':
      case 'order':
      case 'top':
      case 'distinct':
        throw new KqlSyntaxError(
          `The '${t.value}' operator is not supported in transformations (records are processed one at a time)`,
          t.pos,
        )
      default:
        throw new KqlSyntaxError(`Unknown or unsupported tabular operator '${t.value}'`, t.pos)
    }
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
    if (parts.filter((p) => p.kind === 'column').length > 10) {
      throw new KqlSyntaxError('parse may extract at most 10 columns per statement in transformations', pos)
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

  private _expr(): Expr {
    return this._or()
  }

  private _or(): Expr {
    let left = this._and()
    while (this._isWord('or')) {
      const pos = this._next().pos
      left = { t: 'binary', op: 'or', left, right: this._and(), pos }
    }
    return left
  }

  private _and(): Expr {
    let left = this._comparison()
    while (this._isWord('and')) {
      const pos = this._next().pos
      left = { t: 'binary', op: 'and', left, right: this._comparison(), pos }
    }
    return left
  }

  private _comparison(): Expr {
    const left = this._additive()
    const t = this._peek
    const word = t.kind === 'op' || t.kind === 'ident' ? t.value : ''
    if (COMPARISON.has(word) && (t.kind === 'op' || /^[a-z_]+$/.test(word))) {
      this._next()
      return { t: 'binary', op: word === '<>' ? '!=' : word, left, right: this._additive(), pos: t.pos }
    }
    if (word === 'matches' && this._isWord('regex', 1)) {
      this._next()
      this._next()
      return { t: 'binary', op: 'matches regex', left, right: this._additive(), pos: t.pos }
    }
    if (word === 'in' || word === '!in' || word === '!in~') {
      this._next()
      let op = word
      if (word === 'in' && this._isOp('~')) {
        this._next()
        op = 'in~'
      }
      this._expectOp('(')
      const list: Expr[] = []
      while (!this._isOp(')')) {
        list.push(this._expr())
        if (!this._isOp(')')) this._expectOp(',')
      }
      this._next()
      return { t: 'in', op, left, list, pos: t.pos }
    }
    if (word === 'between' || word === '!between') {
      this._next()
      this._expectOp('(')
      const low = this._additive()
      this._expectOp('.')
      this._expectOp('.')
      const high = this._additive()
      this._expectOp(')')
      return { t: 'between', negate: word === '!between', left, low, high, pos: t.pos }
    }
    return left
  }

  private _additive(): Expr {
    let left = this._multiplicative()
    while (this._isOp('+') || this._isOp('-')) {
      const t = this._next()
      left = { t: 'binary', op: t.value, left, right: this._multiplicative(), pos: t.pos }
    }
    return left
  }

  private _multiplicative(): Expr {
    let left = this._unary()
    while (this._isOp('*') || this._isOp('/') || this._isOp('%')) {
      const t = this._next()
      left = { t: 'binary', op: t.value, left, right: this._unary(), pos: t.pos }
    }
    return left
  }

  private _unary(): Expr {
    if (this._isOp('-') || this._isOp('+')) {
      const t = this._next()
      return { t: 'unary', op: t.value as '-' | '+', arg: this._unary(), pos: t.pos }
    }
    return this._postfix()
  }

  private _postfix(): Expr {
    let e = this._primary()
    for (;;) {
      if (this._isOp('.') && this._tokens[this._i + 1]?.kind === 'ident') {
        const pos = this._next().pos
        e = { t: 'member', obj: e, name: this._next().value, pos }
      } else if (this._isOp('[')) {
        const pos = this._next().pos
        const index = this._expr()
        this._expectOp(']')
        e = { t: 'index', obj: e, index, pos }
      } else return e
    }
  }

  private _primary(): Expr {
    const t = this._next()
    switch (t.kind) {
      case 'number':
        return {
          t: 'lit',
          value: Number(t.value),
          pos: t.pos,
          real: /[.eE]/.test(t.value) && !t.value.startsWith('0x'),
        }
      case 'string': {
        let value = t.value
        while (this._peek.kind === 'string') value += this._next().value // adjacent literals concatenate
        return { t: 'lit', value, pos: t.pos }
      }
      case 'timespan':
        return { t: 'call', name: '__timespan', args: [{ t: 'lit', value: t.ms, pos: t.pos }], pos: t.pos }
      case 'literal':
        return {
          t: 'call',
          name: `__literal_${t.literalType}`,
          args: [{ t: 'lit', value: t.value, pos: t.pos }],
          pos: t.pos,
        }
      case 'op':
        if (t.value === '(') {
          const e = this._expr()
          this._expectOp(')')
          return e
        }
        break
      case 'ident': {
        if (t.value === 'true' || t.value === 'false') return { t: 'lit', value: t.value === 'true', pos: t.pos }
        if (t.value === 'null') return { t: 'lit', value: null, pos: t.pos }
        if (this._isOp('(')) {
          this._next()
          const args: Expr[] = []
          while (!this._isOp(')')) {
            args.push(this._expr())
            if (!this._isOp(')')) this._expectOp(',')
          }
          this._next()
          return { t: 'call', name: t.value, args, pos: t.pos }
        }
        return { t: 'col', name: t.value, pos: t.pos }
      }
      default:
        break
    }
    throw new KqlSyntaxError(`Unexpected '${t.value || 'end of query'}'`, t.pos)
  }
}

/** Parses a transformKql text. Throws `KqlSyntaxError` with the position of the problem. */
export const parseKql = (text: string): Query => new Parser(tokenize(text)).parseQuery()
