/** WordPress-minded pingback clients guess `/xmlrpc.php`; it is the same endpoint as `/xmlrpc`. */
export {GET, POST} from '../xmlrpc/route'

export const dynamic = 'force-dynamic'
