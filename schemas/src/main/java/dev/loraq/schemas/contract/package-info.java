/**
 * The contract between the consumer service and the tools: topic names, the tenant-id rule, the output topic
 * pattern, the dead-letter codes and the codes of requests ended by their job's lifecycle. Both sides read these from here, so they cannot drift apart.
 */
package dev.loraq.schemas.contract;
