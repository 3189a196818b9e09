import {notFound} from 'next/navigation'

/**
 * Any URL no other route claims ends here, so the 404 page renders inside the reader layout
 * (header, navigation, footer) instead of the framework's bare default.
 */
export default function UnmatchedRoute(): never {
  notFound()
}
