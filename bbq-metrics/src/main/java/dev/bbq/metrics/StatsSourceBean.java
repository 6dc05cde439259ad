package dev.bbq.metrics;

import java.util.List;
import java.util.Map;

import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.ImmutableDescriptor;
import javax.management.MBeanInfo;
import javax.management.ReflectionException;
import javax.management.openmbean.OpenMBeanAttributeInfoSupport;
import javax.management.openmbean.OpenMBeanInfoSupport;
import javax.management.openmbean.OpenMBeanOperationInfo;
import javax.management.openmbean.OpenMBeanConstructorInfo;
import javax.management.openmbean.OpenMBeanAttributeInfo;
import javax.management.openmbean.SimpleType;
import javax.management.MBeanNotificationInfo;

/**
 * A {@link StatsSource} as an open MBean: one read-only {@code long} attribute per statistic (an
 * MXBean interface cannot have attributes chosen at run time). Reading several attributes at once
 * reads them from one snapshot.
 */
final class StatsSourceBean implements DynamicMBean {
    private final StatsSource<?> source;
    private final MBeanInfo info;

    StatsSourceBean(StatsSource<?> source) {
        this.source = source;
        List<String> names = source.names();
        OpenMBeanAttributeInfo[] attributes = new OpenMBeanAttributeInfo[names.size()];
        for (int i = 0; i < attributes.length; i++) {
            String name = names.get(i);
            attributes[i] = new OpenMBeanAttributeInfoSupport(name,
                    name + " (" + (source.isCounter(name) ? "counter" : "gauge") + ")",
                    SimpleType.LONG, true, false, false);
        }
        info = new OpenMBeanInfoSupport(StatsSourceBean.class.getName(),
                "bbq " + source.type() + " statistics", attributes, new OpenMBeanConstructorInfo[0],
                new OpenMBeanOperationInfo[0], new MBeanNotificationInfo[0],
                new ImmutableDescriptor("immutableInfo=true"));
    }

    @Override
    public Object getAttribute(String attribute) throws AttributeNotFoundException {
        if (!source.names().contains(attribute)) {
            throw new AttributeNotFoundException(attribute);
        }
        return source.read(attribute);
    }

    @Override
    public void setAttribute(Attribute attribute) throws AttributeNotFoundException {
        throw new AttributeNotFoundException("read-only: " + attribute.getName());
    }

    @Override
    public AttributeList getAttributes(String[] attributes) {
        Map<String, Long> values = source.read();
        AttributeList list = new AttributeList();
        for (String name : attributes) {
            Long value = values.get(name);
            if (value != null) {
                list.add(new Attribute(name, value));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String actionName, Object[] params, String[] signature) throws ReflectionException {
        throw new ReflectionException(new NoSuchMethodException(actionName), "no operations");
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        return info;
    }
}
