/**
 * What every flow shares: the flow template ({@link io.cephflow.workflows.common.Flow}), the saga's
 * undo list ({@link io.cephflow.workflows.common.Compensations}), the resource records ({@link
 * io.cephflow.workflows.common.Lifecycle}), refs, failures, tags, and the steps used by flows of
 * more than one area ({@link io.cephflow.workflows.common.DeleteSteps}: image and volume deletes;
 * {@link io.cephflow.workflows.common.CopySource}: boots, volumes and images copied from an image
 * or a disk). Steps used by one area's flows live with them ({@code volume.VolumeSteps}, {@code
 * server.DomainSteps}, {@code image.RawCopy}).
 */
package io.cephflow.workflows.common;
