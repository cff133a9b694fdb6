/**
 * With a spool, records still pending when `close()` gives up are not lost: they stay in the spool and are sent
 * by the next client that opens it. They are counted as kept (`stats().spool.keptAtClose`), not as dropped.
 */
import { debug } from '../diagnostics.js'
import { type DropInfo, type DropRecords, DropReporter } from '../drops.js'
import type { DropReason } from '../types.js'
import type { Spool } from './spool.js'

export class KeepingDropReporter extends DropReporter {
  /** Set once the spool exists (it is built after the parts that report drops). */
  spool: Spool | undefined

  override report(reason: DropReason, records: DropRecords, info: DropInfo): void {
    const spool = this.spool
    if (reason === 'shutdown-timeout' && spool?.frozen === true && spool.keepsEverything) {
      const count = 'read' in records ? records.count : records.length
      spool.kept(count)
      debug(() => `${count} record(s) pending at close() stay in the spool for the next start`)
      return
    }
    super.report(reason, records, info)
  }
}
