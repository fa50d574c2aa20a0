package io.cephflow.libvirt;

/** libvirt's {@code <domain type=…>}: QEMU is TCG emulation, which runs anywhere. */
public enum DomainType {
  QEMU("qemu"),
  KVM("kvm");

  private final String xml;

  DomainType(String xml) {
    this.xml = xml;
  }

  String xml() {
    return xml;
  }

  static DomainType fromXml(String value) {
    for (DomainType t : values()) {
      if (t.xml.equals(value)) {
        return t;
      }
    }
    throw new InvalidDomainSpecException("unsupported domain type " + Names.quote(value));
  }
}
