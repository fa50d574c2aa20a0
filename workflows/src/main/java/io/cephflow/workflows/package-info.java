package io.cephflow.workflows;
