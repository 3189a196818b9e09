import {NotFoundMessage} from '@/components/site/NotFoundMessage'

/** A page of the reader site called notFound() (unknown post, category, …): shown inside its layout. */
export default function NotFound() {
  return <NotFoundMessage />
}
