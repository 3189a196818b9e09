'use client'
import {DraftLiveRefresh} from './DraftLiveRefresh'
import {DraftVisualEditing} from './DraftVisualEditing'

/** Loaded on demand by DraftTools (draft mode only). */
export default function DraftToolsInBrowser() {
  return (
    <>
      <DraftVisualEditing />
      <DraftLiveRefresh />
    </>
  )
}
