// Minimal typing for the dev-only `smtp-server` package (it ships none), as the mail tests use it.
declare module 'smtp-server' {
  import type {Readable} from 'node:stream'

  export interface SMTPAddress {
    address: string
  }
  export interface SMTPSession {
    envelope: {mailFrom: SMTPAddress | false; rcptTo: SMTPAddress[]}
  }
  export interface SMTPServerOptions {
    authOptional?: boolean
    disabledCommands?: string[]
    logger?: boolean
    onData?(stream: Readable, session: SMTPSession, callback: (error?: Error | null) => void): void
  }
  export class SMTPServer {
    constructor(options?: SMTPServerOptions)
    listen(port: number, host: string, callback?: () => void): void
    close(callback?: () => void): void
    server: import('node:net').Server
  }
}
