/** The scalar-expression grammar of the KQL subset, over a token cursor. Pure. */
import type { Expr } from './ast.ts'
import { KqlSyntaxError } from './errors.ts'
import type { Token } from './tokenizer.ts'

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

/** A cursor over tokens with the expression grammar; the statement parser extends it. */
export class ExprParser {
  protected _i = 0
  constructor(protected readonly _tokens: Token[]) {}

  protected get _peek(): Token {
    return this._tokens[this._i]!
  }

  protected _next(): Token {
    const t = this._tokens[this._i]!
    if (t.kind !== 'eof') this._i++
    return t
  }

  protected _isOp(value: string, offset = 0): boolean {
    const t = this._tokens[this._i + offset]
    return t !== undefined && t.kind === 'op' && t.value === value
  }

  protected _isWord(value: string, offset = 0): boolean {
    const t = this._tokens[this._i + offset]
    return t !== undefined && t.kind === 'ident' && t.value === value
  }

  protected _expectOp(value: string): Token {
    const t = this._next()
    if (t.kind !== 'op' || t.value !== value)
      throw new KqlSyntaxError(`Expected '${value}' but found '${t.value || 'end of query'}'`, t.pos)
    return t
  }

  protected _ident(what: string): string {
    const t = this._next()
    if (t.kind !== 'ident') throw new KqlSyntaxError(`Expected ${what} but found '${t.value || 'end of query'}'`, t.pos)
    return t.value
  }

  protected _expr(): Expr {
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
      case 'number': {
        const real = /[.eE]/.test(t.value) && !t.value.startsWith('0x')
        const n = Number(t.value)
        // A long literal past 2^53 (`9007199254740993`) stays exact, as rows keep such longs.
        const value = real || Number.isSafeInteger(n) ? n : BigInt(t.value)
        return { t: 'lit', value, pos: t.pos, real }
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
