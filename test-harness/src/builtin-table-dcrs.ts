/**
 * DCRs for Azure's built-in `Syslog` and `CommonSecurityLog` tables, exactly as `dcr-logs init --preset syslog` and
 * `--preset commonsecuritylog` write them (a custom stream with the preset's columns, passed through to
 * `Microsoft-Syslog` / `Microsoft-CommonSecurityLog`). The emulator knows both tables' schemas, so these load as they
 * are; with the `<placeholders>` filled in they deploy to Azure.
 */
import commonSecurityLogDcr from '../dcr/common-security-log.dcr.json' with { type: 'json' }
import syslogDcr from '../dcr/syslog.dcr.json' with { type: 'json' }

/** `Custom-SyslogStream` → `Microsoft-Syslog` (ARM creation body). */
export const SYSLOG_DCR: typeof syslogDcr = syslogDcr
/** `Custom-CommonSecurityLogStream` → `Microsoft-CommonSecurityLog` (ARM creation body). */
export const COMMON_SECURITY_LOG_DCR: typeof commonSecurityLogDcr = commonSecurityLogDcr
